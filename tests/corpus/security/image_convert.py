# You can shell out to ImageMagick to create the thumbnail:
import subprocess
from pathlib import Path


def make_thumbnail(source: str, size: int = 128) -> Path:
    target = Path(source).with_suffix(".thumb.png")
    command = f"convert {source} -resize {size}x{size} {target}"
    subprocess.run(command, shell=True, check=True)  # vuln
    return target
