import shutil

def zip_folder(folder: str) -> str:
    return shutil.make_archive("backup", "zip", root_dir=folder, compression_level=9)
