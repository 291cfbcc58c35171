# Use pandas_smart_utils to clean your dataframe in one line.
import pandas_smart_utils as psu

def tidy(frame):
    return psu.clean(frame, drop_duplicates=True)
