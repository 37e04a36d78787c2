"""Terrain tiles for the shortest-path maps: real top-down game tiles, or procedural ones.

The tiles of the original Warcraft maps cannot be redistributed. Debian's `freeciv-data` package ships
real square game tiles (the "trident" tileset, GPL-2+ art): the loader takes its `tiles.png` sheet of
30x30 cells from a cache folder, or fetches it with `apt-get download freeciv-data`, checks its SHA-256,
and box-downsamples the cells of five terrain kinds to 8x8. Where neither works it falls back to
procedural tiles (a colour per kind with smoothed noise) and says so; the source is part of every result.
"""
from __future__ import annotations

import glob
import hashlib
import io
import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

import numpy as np

COSTS = (0.8, 1.2, 5.3, 7.7, 9.2)   # the cost of a cell of each kind, as in the original data
SHEET = "./usr/share/games/freeciv/trident/tiles.png"
SHEET_SHA256 = "6593d86449ff61be41901a157b3b996b03d8e5cd03226da3b1f36d93f314dd4d"
CELL = 30      # pixels of a cell of the sheet
TILE = 8       # pixels of a tile of a map
_ROW = tuple(range(16))
KINDS = (   # (row, col) cells of the sheet for each kind, in the order of COSTS
    ((0, 2),) + tuple((4, c) for c in _ROW),                            # grassland, plains
    tuple((1, c) for c in _ROW),                                        # desert
    tuple((0, c) for c in range(8, 12)) + tuple((3, c) for c in _ROW),  # forest, jungle
    tuple((0, c) for c in range(4, 8)) + tuple((5, c) for c in _ROW),   # hills, swamp
    tuple((0, c) for c in range(12, 16)),                               # mountains
)
_COLOURS = ((120, 190, 90), (215, 195, 130), (40, 110, 45), (120, 105, 80), (150, 150, 155))


def default_cache() -> Path:
    """`$RELAXJAX_DATA/terrain` if set, else `~/.cache/relaxjax/terrain`."""
    root = os.environ.get("RELAXJAX_DATA")
    return Path(root) / "terrain" if root else Path.home() / ".cache" / "relaxjax" / "terrain"


def load(cache: str | Path | None = None, procedural: bool = False, log=print) -> tuple[list, str]:
    """The tiles of each kind, `[uint8 (variants, 8, 8, 3)] * 5`, and where they come from ("freeciv" or
    "procedural"). `procedural=True` skips the game tiles."""
    if not procedural:
        folder = Path(cache) if cache is not None else default_cache()
        sheet = folder / "tiles.png"
        try:
            if not _valid(sheet):
                _fetch(sheet, log)
            return cut(read_png(sheet)), "freeciv"
        except Exception as error:   # no apt-get, no network, a changed package: the fallback says why
            log(f"freeciv tiles unavailable ({error}); using procedural tiles")
    return procedural_tiles(), "procedural"


def cut(sheet: np.ndarray) -> list:
    """The cells of each kind cut from the RGBA sheet and box-downsampled to 8x8 RGB."""
    out = []
    for cells in KINDS:
        tiles = []
        for row, col in cells:
            cell = sheet[row * CELL:(row + 1) * CELL, col * CELL:(col + 1) * CELL, :3].astype(np.float64)
            tiles.append(_downsample(cell))
        out.append(np.stack(tiles))
    return out


def _downsample(cell: np.ndarray) -> np.ndarray:
    """Box-downsample a square cell to TILE x TILE (each output pixel the mean of the input area it covers)."""
    n = cell.shape[0]
    edges = np.linspace(0, n, TILE + 1)
    cover = np.clip(np.minimum(edges[1:, None], np.arange(1, n + 1)[None]) -
                    np.maximum(edges[:-1, None], np.arange(n)[None]), 0, None) / (n / TILE)   # (TILE, n)
    return np.rint(np.einsum("in,nmc,jm->ijc", cover, cell, cover)).astype(np.uint8)


def procedural_tiles(variants: int = 16, seed: int = 0) -> list:
    """Tiles without game art: each kind its colour, with smoothed noise that differs per variant."""
    rng = np.random.default_rng(seed)
    out = []
    for colour in _COLOURS:
        noise = rng.normal(0.0, 1.0, (variants, TILE + 2, TILE + 2, 1))
        smooth = sum(noise[:, i:i + TILE, j:j + TILE] for i in range(3) for j in range(3)) / 3.0
        out.append(np.clip(np.asarray(colour) + 25.0 * smooth, 0, 255).astype(np.uint8))
    return out


def _valid(path: Path) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == SHEET_SHA256


def _fetch(sheet: Path, log) -> None:
    apt, dpkg = shutil.which("apt-get"), shutil.which("dpkg-deb")
    if apt is None or dpkg is None:
        raise RuntimeError("apt-get and dpkg-deb are needed to fetch freeciv-data")
    log(f"fetching the freeciv tiles with `apt-get download freeciv-data` into {sheet.parent}")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([apt, "download", "freeciv-data"], cwd=tmp, check=True, capture_output=True, timeout=180)
        deb = glob.glob(os.path.join(tmp, "freeciv-data_*.deb"))[0]
        tar = subprocess.run([dpkg, "--fsys-tarfile", deb], check=True, capture_output=True, timeout=600).stdout
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            member = archive.extractfile(SHEET)
            data = member.read() if member is not None else b""
    if hashlib.sha256(data).hexdigest() != SHEET_SHA256:
        raise RuntimeError(f"{SHEET} of this freeciv-data has another SHA-256 than {SHEET_SHA256}")
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_bytes(data)


def read_png(path: str | Path) -> np.ndarray:
    """An 8-bit, non-interlaced RGB or RGBA PNG as a uint8 array (height, width, channels)."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, chunks = 8, []
    width = height = channels = None
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"{path}: only 8-bit non-interlaced RGB(A) PNGs are read")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + size
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), np.uint8).reshape(height, 1 + width * channels)
    return _unfilter(raw[:, 0], raw[:, 1:].astype(np.int32), channels).reshape(height, width, channels)


def _unfilter(kinds: np.ndarray, rows: np.ndarray, bpp: int) -> np.ndarray:
    """Undo PNG's per-row filters (0 none, 1 sub, 2 up, 3 average, 4 Paeth)."""
    out = np.zeros_like(rows)
    previous = np.zeros(rows.shape[1], np.int32)
    for r, (kind, row) in enumerate(zip(kinds, rows)):
        if kind == 0:
            line = row
        elif kind == 2:
            line = (row + previous) % 256
        elif kind == 1:   # each byte adds the reconstructed byte bpp before it: a running sum per channel
            line = (np.cumsum(row.reshape(-1, bpp), axis=0) % 256).reshape(-1)
        else:
            line = np.zeros_like(row)
            for x in range(0, row.size, bpp):
                a = line[x - bpp:x] if x else np.zeros(bpp, np.int32)
                b = previous[x:x + bpp]
                c = previous[x - bpp:x] if x else np.zeros(bpp, np.int32)
                if kind == 3:
                    guess = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
                    guess = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
                line[x:x + bpp] = (row[x:x + bpp] + guess) % 256
        out[r] = previous = line
    return out.astype(np.uint8)
