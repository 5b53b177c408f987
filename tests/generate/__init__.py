"""Tests of `scripts/generate`: the step that turns `spec/` into the two packages in `generated/`."""
