"""Generated, realistic scanned case files (卷宗) with ground truth.

`python -m samples.generate --out DIR --cases N --seed S` writes NAME.pdf and NAME.truth.json.
"""
