"""Test settings: x64 on by default (CPython computes in float64); RELAXJAX_TEST_X64=0 turns it off."""
import os

import jax

jax.config.update("jax_enable_x64", os.environ.get("RELAXJAX_TEST_X64", "1") != "0")
