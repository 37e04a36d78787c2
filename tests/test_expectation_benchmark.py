"""`relaxjax-bench expectation`: the closed form against mode="sampled", per algorithm and beta."""
import json

import numpy as np
import pytest

from relaxjax.benchmarks import cli, expectation


@pytest.mark.parametrize("name", list(expectation.CASES))
def test_at_a_huge_beta_closed_form_sampled_and_hard_agree(name):
    row, = expectation.measure(name, (1e9,), batch=2, samples=16, quick=True, log=lambda line: None)
    assert row["gap"] < 1e-4 and row["softness"] < 1e-4 and row["noise"] < 1e-4, row


def test_at_a_moderate_beta_the_sampled_program_is_soft_and_the_gap_is_measured():
    rows = expectation.measure("bubble sort", (3.0,), batch=4, samples=512, quick=True, log=lambda line: None)
    row = rows[0]
    assert row["softness"] > 5 * row["noise"] > 0    # the sampled sort really mixes orders at beta 3
    assert row["gap"] > 3 * row["noise"]             # and the closed form is measurably off it
    assert np.isclose(row["relative"], row["gap"] / row["softness"])


def test_cli_writes_rows_and_a_plot(tmp_path, capsys):
    out, png = tmp_path / "rows.json", tmp_path / "gap.png"
    assert cli.main(["expectation", "--quick", "--batch", "2", "--samples", "32", "--out", str(out),
                     "--plot", str(png)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert {r["algorithm"] for r in rows} == set(expectation.CASES)
    assert len(rows) == len(expectation.CASES) * len(expectation.QUICK_BETAS)
    assert png.stat().st_size > 1000
    assert "relaxjax-bench expectation" in capsys.readouterr().out
