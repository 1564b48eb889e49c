"""The published numbers of the paper of seed 001 (Noel et al., arXiv 2303.09935), the one place
they are written: the experiments print them beside ours, the gallery draws them, the lessons
read them from here."""

TABLE_1 = {  # parameter-estimation error (%) of the robust-regression fit: (slope, intercept)
    "SMAE": (8.73, 22.6),
    "MSE": (68.2, 205.82),
    "log-cosh": (22.76, 82.3),
}
"""Table 1: the error of the fitted slope and intercept, in % of the true values."""

TABLE_1_ORDER = ("SMAE", "log-cosh", "MSE")
"""The ordering Table 1 reports, smallest error first: the claim that must reproduce."""

TABLES_2_5 = {  # test accuracy of each loss, one run each
    "Table 2: CIFAR-10, VGG-19":
        {"CE": 0.5668, "L": 0.5684, "M": 0.5666, "full L": 0.571, "full M": 0.5668},
    "Table 3: Imagenette, VGG-19":
        {"CE": 0.74, "L": 0.77, "M": 0.78, "full L": 0.78, "full M": 0.76},
    "Table 4: CFPB, LSTM":
        {"CE": 0.822, "L": 0.843, "M": 0.827, "full L": 0.839, "full M": 0.825},
    "Table 5: IMDB, BERT":
        {"CE": 0.8551, "L": 0.8557, "M": 0.8539, "full L": 0.8577, "full M": 0.8555},
}
"""Tables 2–5: test accuracy per loss (the 'BCE' rows of Tables 4 and 5 are filed under CE)."""
