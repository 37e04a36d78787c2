from relaxjax.benchmarks.cli import main

raise SystemExit(main())
