"""Layers, modules and loss classes, with the names PyTorch users know."""
from .module import Module, Parameter  # noqa: F401
from .layers import (Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout, ReLU, Tanh,  # noqa: F401
                     Sigmoid, Softmax, Sequential, Embedding, LayerNorm)
from .recurrent import LSTM, GRU  # noqa: F401
from .attention import MultiheadAttention, TransformerEncoderLayer, PositionalEncoding  # noqa: F401
from . import functional, init  # noqa: F401
from .loss import *  # noqa: F401,F403  (loss modules: MSELoss, CrossEntropyLoss, ...)
