# A couple of small helpers you can drop into your ETL module:
import pandas as pd


def add_row(table, row):
    return pd.concat([table, pd.DataFrame([row])], ignore_index=True)


def upper_cells(table):
    return table.map(lambda cell: str(cell).upper())


def load(path):
    return pd.read_csv(path)
