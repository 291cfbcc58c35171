import shutil

def mirror(src: str, dst: str) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)

def zip_folder(folder: str) -> str:
    return shutil.make_archive("backup", "zip", root_dir=folder)
