"""The terrain maps of `relaxjax-bench path`: labels against a textbook Dijkstra and brute force, the
tiles, and the PNG reader against Pillow's."""
import heapq
import itertools
import zlib

import numpy as np
import pytest

from relaxjax.benchmarks import path_data, terrain


def dijkstra(costs):
    """The textbook Dijkstra on one grid, vertex-weighted, both end cells counted."""
    k = len(costs)
    dist = {(0, 0): costs[0][0]}
    heap = [(costs[0][0], (0, 0))]
    done = set()
    while heap:
        d, (i, j) = heapq.heappop(heap)
        if (i, j) in done:
            continue
        done.add((i, j))
        for di, dj in path_data.STEPS:
            a, b = i + di, j + dj
            if 0 <= a < k and 0 <= b < k and d + costs[a][b] < dist.get((a, b), np.inf):
                dist[(a, b)] = d + costs[a][b]
                heapq.heappush(heap, (dist[(a, b)], (a, b)))
    return np.array([[dist[(i, j)] for j in range(k)] for i in range(k)])


def all_path_costs(costs):
    """The costs of every simple 8-neighbour path from corner to corner (brute force, small grids)."""
    k = len(costs)
    out = []

    def walk(cell, seen, total):
        if cell == (k - 1, k - 1):
            out.append(total)
            return
        for di, dj in path_data.STEPS:
            nxt = (cell[0] + di, cell[1] + dj)
            if 0 <= nxt[0] < k and 0 <= nxt[1] < k and nxt not in seen:
                walk(nxt, seen | {nxt}, total + costs[nxt[0]][nxt[1]])
    walk((0, 0), {(0, 0)}, costs[0][0])
    return np.array(out)


def _is_path(mask):
    """Whether the cells of `mask` form one 8-connected chain from corner to corner."""
    cells = {tuple(c) for c in np.argwhere(mask)}
    k = mask.shape[0]
    seen, stack = {(0, 0)}, [(0, 0)]
    while stack:
        i, j = stack.pop()
        for di, dj in path_data.STEPS:
            if (i + di, j + dj) in cells and (i + di, j + dj) not in seen:
                seen.add((i + di, j + dj))
                stack.append((i + di, j + dj))
    return (0, 0) in cells and (k - 1, k - 1) in cells and seen == cells


def test_labels_are_cheapest_paths_and_ties_are_counted():
    tiles = terrain.procedural_tiles(variants=2)
    data = path_data.generate(60, 6, tiles, seed=0)
    for costs, mask, optimum in zip(data["costs"], data["paths"], data["optimum"]):
        want = dijkstra(costs.astype(np.float64).tolist())
        np.testing.assert_allclose(path_data.distances(costs[None])[0], want, rtol=1e-12)
        assert optimum == pytest.approx(want[-1, -1], rel=1e-12)
        assert _is_path(mask) and path_data.path_cost(costs[None], mask[None])[0] == pytest.approx(optimum)
    small = path_data.generate(10, 4, tiles, seed=1)
    for costs, optimum, optimal in zip(small["costs"], small["optimum"], small["optimal"]):
        every = all_path_costs(costs.astype(np.float64).tolist())
        assert every.min() == pytest.approx(optimum)
        assert optimal == np.sum(np.abs(every - optimum) <= 1e-9)   # simple paths: the cheapest are simple
    assert (small["optimal"] > 1).any()


def test_maps_are_drawn_from_the_tiles_of_their_kinds_and_regions_are_coherent():
    tiles = terrain.procedural_tiles(variants=3)
    data = path_data.generate(20, 12, tiles, seed=2)
    assert data["images"].shape == (20, 96, 96, 3) and data["images"].dtype == np.uint8
    kinds = np.searchsorted(np.asarray(terrain.COSTS, np.float32), data["costs"])
    for n, i, j in [(0, 0, 0), (3, 5, 7), (19, 11, 11)]:
        cell = data["images"][n, 8 * i:8 * i + 8, 8 * j:8 * j + 8]
        assert any((cell == t).all() for t in tiles[kinds[n, i, j]])
    same = np.mean(kinds[:, :, 1:] == kinds[:, :, :-1])   # independent cells would agree 1/5 of the time
    assert same > 0.4
    assert np.array_equal(path_data.generate(20, 12, tiles, seed=2)["images"], data["images"])


def test_tiles_are_cut_from_the_sheet_and_downsampled_by_area():
    sheet = np.zeros((6 * terrain.CELL, 16 * terrain.CELL, 4), np.uint8)
    sheet[terrain.CELL:2 * terrain.CELL, :terrain.CELL, 0] = 200   # desert's first cell, red
    sheet[terrain.CELL:2 * terrain.CELL, :17, 1] = 90   # its 17 left columns green
    tiles = terrain.cut(sheet)
    assert [len(t) for t in tiles] == [len(cells) for cells in terrain.KINDS]
    first = tiles[1][0]
    assert first.shape == (8, 8, 3) and (first[..., 0] == 200).all()
    assert first[0, :, 1].tolist() == [90, 90, 90, 90, 48, 0, 0, 0]   # 3.75 pixels each: 2 of the 5th green


def _png(pixels, filters):
    """A PNG of RGBA `pixels` whose rows use the given filter kinds (encoded here by their definitions)."""
    height, width, _ = pixels.shape
    raw = b""
    previous = np.zeros(width * 4, np.int64)
    for row, kind in zip(pixels.reshape(height, -1).astype(np.int64), itertools.cycle(filters)):
        left = np.concatenate([np.zeros(4, np.int64), row[:-4]])
        up_left = np.concatenate([np.zeros(4, np.int64), previous[:-4]])
        p = left + previous - up_left
        paeth = np.where((np.abs(p - left) <= np.abs(p - previous)) & (np.abs(p - left) <= np.abs(p - up_left)),
                         left, np.where(np.abs(p - previous) <= np.abs(p - up_left), previous, up_left))
        guess = [0, left, previous, (left + previous) // 2, paeth][kind]
        raw += bytes([kind]) + ((row - guess) % 256).astype(np.uint8).tobytes()
        previous = row

    def chunk(kind, body):
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_the_png_reader_undoes_every_filter(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 256, (10, 7, 4)).astype(np.uint8)
    path = tmp_path / "t.png"
    path.write_bytes(_png(pixels, [0, 1, 2, 3, 4]))
    np.testing.assert_array_equal(terrain.read_png(path), pixels)
    image = pytest.importorskip("PIL.Image")   # and Pillow reads it the same (its encoder is independent)
    np.testing.assert_array_equal(np.asarray(image.open(path)), pixels)


def test_the_loader_falls_back_to_procedural_tiles_and_says_so(tmp_path, monkeypatch):
    said = []
    tiles, source = terrain.load(cache=tmp_path, procedural=True, log=said.append)
    assert source == "procedural" and [t.shape[1:] for t in tiles] == [(8, 8, 3)] * 5 and not said
    (tmp_path / "tiles.png").write_bytes(b"not the sheet")   # a wrong hash: fetched again, here in vain
    monkeypatch.setattr(terrain.shutil, "which", lambda name: None)
    tiles, source = terrain.load(cache=tmp_path, log=said.append)
    assert source == "procedural" and "apt-get and dpkg-deb are needed" in said[-1]
