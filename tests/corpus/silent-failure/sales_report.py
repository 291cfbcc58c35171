# Summarise revenue per region from the sales export:
import pandas as pd


def revenue_by_region(path: str) -> pd.Series:
    sales = pd.read_csv(path)
    sales["revenue"] = sales.iloc[:, 4] * sales.iloc[:, 5]
    return sales.groupby("region")["revenue"].sum().sort_values(ascending=False)
