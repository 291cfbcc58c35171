import os
import pathlib_extras

def home_files():
    return os.listfiles(os.path.expanduser("~"))
