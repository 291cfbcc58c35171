# For a quick plugin loader and a shell-safe command builder you can use:
import importlib.util
import shlex


def load_plugin(path):
    spec = importlib.util.spec_from_file_location("plugin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def command(args):
    return shlex.join(args)
