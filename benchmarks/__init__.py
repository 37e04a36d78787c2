"""relaxjax's benchmark CLI (`relaxjax-bench`, or `python -m relaxjax.benchmarks`)."""
