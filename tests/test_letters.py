"""`relaxjax-bench edit --glyphs letters`: the splits of rendered letters and a run on them (the README's
test checks that they can be told apart)."""
import json

import numpy as np
import pytest

from relaxjax.benchmarks import cli, letters


@pytest.fixture(scope="module")
def five():
    return letters.splits(5, seed=0)


def test_splits_have_the_shape_of_the_digits_and_no_image_twice(five):
    for name, count in letters.PER_CLASS.items():
        split = five[name]
        assert split["images"].shape == (5 * count, 28, 28) and split["images"].dtype == np.uint8
        assert split["names"] == "abcde"
        for c, members in enumerate(split["by_class"]):
            assert len(members) == count and (split["labels"][members] == c).all()
    flat = np.concatenate([five[name]["images"] for name in letters.PER_CLASS]).reshape(-1, 28 * 28)
    assert len(np.unique(flat, axis=0)) == len(flat)
    np.testing.assert_array_equal(letters.splits(5, seed=0)["val"]["images"], five["val"]["images"])


def test_the_alphabet_is_checked_and_a_short_run_reads_letters(tmp_path, capsys):
    with pytest.raises(ValueError, match="2 to 26"):
        letters.splits(27)
    out = tmp_path / "edit.json"
    assert cli.main(["edit", "--glyphs", "letters", "--alphabet", "3", "--lengths", "3", "--methods",
                     "relaxjax-levenshtein-raised", "--steps", "1", "--batch", "2", "--pairs", "4", "4",
                     "--no-progress", "--out", str(out), "--plots", str(tmp_path / "plots")]) == 0
    written = json.loads(out.read_text())
    assert written["glyphs"] == "letters" and written["results"][0]["method"] == "relaxjax-levenshtein-raised"
    assert "letters a-c" in capsys.readouterr().out
