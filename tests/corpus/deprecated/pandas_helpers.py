# A couple of small helpers you can drop into your ETL module:
import pandas as pd


def add_row(table, row):
    return table.append(row, ignore_index=True)


def upper_cells(table):
    return table.applymap(lambda cell: str(cell).upper())


def load(path):
    return pd.read_csv(path)
