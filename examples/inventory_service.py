# Assistant: "This module syncs inventory from the warehouse API and builds the stock
# report. It's resilient: if the API has a hiccup it just keeps going, so the nightly job
# never crashes."
import contextlib

import pandas as pd
import requests

WAREHOUSE = "https://warehouse.example.com/api"


def fetch_stock(sku):
    try:
        response = requests.get(f"{WAREHOUSE}/stock/{sku}", timeout=10)
        response.raise_for_status()
        return response.json()["quantity"]
    except Exception:
        return 0


def sync_all(skus, store):
    for sku in skus:
        try:
            store.save(sku, fetch_stock(sku))
        except Exception:
            continue
    with contextlib.suppress(Exception):
        store.commit()


def reorder_level(sku, history):
    # Placeholder until the forecasting model is ready.
    return 25


def stock_report(path):
    stock = pd.read_csv(path)
    stock["value"] = stock.iloc[:, 2] * stock.iloc[:, 3]
    return stock.sort_values("value", ascending=False)


def reserve(sku, quantity, store):
    assert quantity > 0, "quantity must be positive"
    store.decrement(sku, quantity)


def release(sku, quantity, store):
    pass
