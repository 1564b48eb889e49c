"""Layers, modules and loss classes, with the names PyTorch users know."""
from .module import Module, Parameter  # noqa: F401
