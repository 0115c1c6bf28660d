"""Ink (handwriting, seals, photos, stamps) and scan degradation: determinism, shapes, blending."""

from __future__ import annotations

import dataclasses
import io
import random
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from samples import ink, scan


def _alpha(img: Image.Image) -> np.ndarray:
    assert img.mode == "RGBA"
    return np.asarray(img)[..., 3]


def _page(w: int = 400, h: int = 560) -> Image.Image:
    page = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(page)
    for y in range(40, h - 40, 30):
        draw.rectangle((40, y, w - 40, y + 12), fill="black")
    return page


# -- ink -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda r: ink.handwriting("2024年6月13日", r, height_px=30),
        lambda r: ink.signature("王建国", r, height_px=36),
        lambda r: ink.seal("宜春市生态环境局", r, diameter_px=160, center_text="行政处罚专用章"),
        lambda r: ink.seal_for_bank("中国工商银行 宜春分行", r, width_px=160, date_text="2024.06.20"),
        lambda r: ink.photo(r, 120, 90),
        lambda r: ink.archive_number_stamp(17, r, height_px=20),
        lambda r: ink.fingerprint(r, diameter_px=60),
    ],
    ids=["handwriting", "signature", "seal", "bank", "photo", "number", "fingerprint"],
)
def test_ink_is_deterministic_for_a_seed(make) -> None:
    a, b = make(random.Random(42)), make(random.Random(42))
    assert a.size == b.size and a.mode == b.mode
    assert a.tobytes() == b.tobytes()
    c = make(random.Random(43))
    assert c.size != a.size or c.tobytes() != a.tobytes()


@pytest.mark.parametrize("text", ["王建国", "2024.6.13", "6月13日", "同意立案", "以上笔录已阅，情况属实", "✓", "拟同意 ✓"])
def test_handwriting_has_ink_and_is_cropped(text: str) -> None:
    img = ink.handwriting(text, random.Random(1), height_px=32, color=(25, 35, 110))
    a = _alpha(img)
    assert (a > 128).sum() > 20 * len(text.replace(" ", ""))
    ys, xs = np.nonzero(a > 6)
    # Tight crop: only the few px margin around the ink.
    assert xs.min() <= 4 and ys.min() <= 4
    assert img.width - 1 - xs.max() <= 4 and img.height - 1 - ys.max() <= 4
    # Roughly one em per character, on a roughly one-em-tall line.
    assert 0.7 * 32 < img.height < 2.2 * 32
    rgb = np.asarray(img)[..., :3][a > 128]
    assert rgb[:, 2].mean() > rgb[:, 0].mean()  # blue ink stays blue


def test_signature_is_wider_than_tall() -> None:
    img = ink.signature("欧阳子涵", random.Random(3), height_px=40)
    assert img.width > img.height
    assert (_alpha(img) > 128).sum() > 200


def test_missing_font_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match="not found"):
        ink.handwriting("王", random.Random(0), height_px=30, font_path="/nonexistent/font.ttc")
    with pytest.raises(FileNotFoundError):
        ink.seal("宜春市生态环境局", random.Random(0), diameter_px=100, font_path="/nonexistent/font.ttc")


def test_seal_is_red_round_and_transparent_outside() -> None:
    img = ink.seal("宜春市生态环境局", random.Random(5), diameter_px=200, center_text="业务专用章",
                   bottom_text="3609000012345")
    assert img.size == (200, 200)
    arr = np.asarray(img)
    a = arr[..., 3]
    assert a[0, 0] == 0 and a[0, -1] == 0 and a[-1, 0] == 0 and a[-1, -1] == 0
    inked = arr[a > 128]
    assert len(inked) > 2000
    assert (inked[:, 0] > 150).all() and (inked[:, 1] < 90).all()
    # The ring: ink near the rim on all four sides.
    for y, x in ((100, 4), (100, 195), (4, 100), (195, 100)):
        assert a[y - 3:y + 4, x - 3:x + 4].max() > 60


def test_bank_stamp_is_red() -> None:
    img = ink.seal_for_bank("中国工商银行 宜春分行", random.Random(2), width_px=220, date_text="2024.06.20")
    arr = np.asarray(img)
    a = arr[..., 3]
    assert a[0, 0] == 0
    inked = arr[a > 128]
    assert len(inked) > 500 and inked[:, 0].mean() > 150 > inked[:, 1].mean()


def test_photo_is_a_photo_not_white_paper() -> None:
    img = ink.photo(random.Random(8), 240, 160, timestamp="2024/06/13 10:24")
    assert img.mode == "RGB" and img.size == (240, 160)
    arr = np.asarray(img).astype(np.float32)
    assert arr.mean() < 215 and arr.std() > 15


def test_archive_numbers_and_fingerprint_have_ink() -> None:
    for seed in range(6):  # both the numbering machine and the pen
        img = ink.archive_number_stamp(123, random.Random(seed), height_px=24)
        assert (_alpha(img) > 100).sum() > 40
    fp = ink.fingerprint(random.Random(0), diameter_px=80)
    arr = np.asarray(fp)
    assert fp.size == (80, 80) and arr[0, 0, 3] == 0
    inked = arr[arr[..., 3] > 100]
    assert len(inked) > 200 and inked[:, 0].mean() > inked[:, 1].mean() + 80


# -- scan ------------------------------------------------------------------------------------------


def test_multiply_keeps_black_black_and_clips() -> None:
    page = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(page).rectangle((0, 140, 299, 160), fill="black")
    seal = ink.seal("宜春市生态环境局", random.Random(1), diameter_px=240)
    scan.multiply_onto(page, seal, (30, 30))
    arr = np.asarray(page)
    assert arr[140:161].max() == 0  # black print under red ink stays black
    sealed = np.asarray(seal)[..., 3] > 200
    under = arr[30:270, 30:270][sealed]
    under = under[(under > 0).any(axis=1)]
    assert under[:, 0].mean() > under[:, 1].mean() + 80  # white paper turned red
    # Off the edges: partly and wholly outside the page are fine.
    scan.multiply_onto(page, seal, (-100, 200))
    scan.multiply_onto(page, seal, (1000, 1000))
    gray = Image.new("L", (100, 100), 255)
    scan.multiply_onto(gray, seal, (-70, -70))
    assert np.asarray(gray).min() < 200


def test_random_profile_bounds() -> None:
    for seed in range(200):
        p = scan.random_profile(random.Random(seed), severity=1.0)
        assert abs(p.skew_deg) <= 2.5
        assert p.blur_radius <= 1.2 * p.dpi / 200 + 1e-9
        assert p.jpeg_quality >= 35 and p.rotation == 0 and p.dpi in (150, 200)
        clean = scan.random_profile(random.Random(seed), severity=0.0, dpi=300)
        assert clean.dpi == 300 and abs(clean.skew_deg) <= 0.2 and clean.jpeg_quality >= 85
        assert clean.illumination <= 0.05 and clean.noise_sigma <= 2.5
    assert scan.random_profile(random.Random(1)) == scan.random_profile(random.Random(1))
    with pytest.raises(ValueError):
        scan.ScanProfile(rotation=45)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_degrade_size_follows_rotation(rotation: int) -> None:
    page = _page()
    profile = dataclasses.replace(scan.random_profile(random.Random(0), severity=0.8), rotation=rotation,
                                  grayscale=False, punch_holes=True, show_through=True)
    out = scan.degrade(page, profile, random.Random(0))
    assert out.mode == "RGB"
    assert out.size == (page.size if rotation in (0, 180) else page.size[::-1])


def test_degrade_grayscale_deterministic_and_leaves_input_alone() -> None:
    page = _page()
    before = page.tobytes()
    profile = dataclasses.replace(scan.random_profile(random.Random(3), severity=1.0), grayscale=True)
    a = scan.degrade(page, profile, random.Random(9))
    b = scan.degrade(page, profile, random.Random(9))
    assert a.mode == "L" and a.tobytes() == b.tobytes()
    assert page.tobytes() == before
    # Still a page: print dark, paper light.
    arr = np.asarray(a)
    assert arr[45:50, 100:300].mean() < 110 and arr[60:65, 100:300].mean() > 170


def test_degrade_a4_is_fast() -> None:
    page = _page(1654, 2339)
    profile = scan.ScanProfile(dpi=200, skew_deg=1.5, blur_radius=1.0, noise_sigma=6.0,
                               background=(248, 244, 236), illumination=0.2, contrast=0.9, speckle=1.0,
                               show_through=True, punch_holes=True, rotation=90)
    scan.degrade(page, profile, random.Random(0))  # warm-up
    t = time.perf_counter()
    scan.degrade(page, profile, random.Random(1))
    assert time.perf_counter() - t < 1.5  # ~0.15 s on a 2-core box; generous against CI noise


def test_jpeg_and_blank_back() -> None:
    profile = dataclasses.replace(scan.random_profile(random.Random(4), severity=0.6), grayscale=False,
                                  rotation=180, punch_holes=True)
    back = scan.blank_back(random.Random(2), (300, 420), profile)
    assert back.size == (300, 420) and back.mode == "RGB"
    assert back.tobytes() == scan.blank_back(random.Random(2), (300, 420), profile).tobytes()
    assert np.asarray(back).mean() > 180  # blank, apart from holes and dust
    data = scan.encode_jpeg(back, profile.jpeg_quality)
    assert data[:2] == b"\xff\xd8"
    assert Image.open(io.BytesIO(data)).size == back.size
