import shutil

def mirror(src: str, dst: str) -> None:
    shutil.copy_tree(src, dst)
