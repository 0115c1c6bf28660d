"""The domain's vocabulary, pure and without I/O: text folding, 文号 and date parsing, Chinese
numerals, signing roles, agency and county names, sentence meaning.

The bottom layer above `models/`: `extractors/` and `checkers/` both use it, `samples/` does not
(the generator stays independent of what it measures). Nothing here imports NumPy, OpenCV,
PyMuPDF or an OCR runtime.
"""
