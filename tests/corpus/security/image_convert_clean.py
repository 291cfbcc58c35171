# You can shell out to ImageMagick to create the thumbnail:
import subprocess
from pathlib import Path


def make_thumbnail(source: str, size: int = 128) -> Path:
    target = Path(source).with_suffix(".thumb.png")
    subprocess.run(
        ["convert", source, "-resize", f"{size}x{size}", str(target)], check=True
    )
    return target
