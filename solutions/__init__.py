"""Reference implementations of the exercises, with the same API as ``exercises/``."""
