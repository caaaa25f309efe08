"""The accounts: each stage a pure function of the checked inputs and the rows of earlier stages.

costs → classification totals → PIM and stocks (by producer) → GDP effect → supply-use
(with GRAS balancing) → comparison; checks run on what the stages add.
"""
