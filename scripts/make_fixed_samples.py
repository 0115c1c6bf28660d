"""Regenerate the committed demo set in samples/fixed/ (4 small files, one clean, one born-digital)."""

from __future__ import annotations

from pathlib import Path

from samples.generate import Options, generate

# (seed, codes, born_digital, grayscale): a clean colour scan and two files with defects, one of them a
# grey scan; kept under 5 MB together (a scanned page at 150 dpi is about 100 KB).
PLANS: list[tuple[int, list[str], bool, bool]] = [
    (500, [], False, False),
    (502, ["date.statement_period", "officers.insufficient"], True, False),
    (503, ["number.malformed.decision", "signature.missing.filing_approval"], True, False),
]

if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "samples" / "fixed"
    for seed, plan, born_digital, grey in PLANS:
        options = Options(born_digital_ratio=1.0 if born_digital else 0.0, dpi=150, max_jpeg_quality=28,
                          severity=(0.0, 0.08), grayscale=grey)
        generate(out, 1, seed=seed, options=options, plans=[plan], prefix="demo")
