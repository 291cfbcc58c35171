# For a quick plugin loader and a shell-safe command builder you can use:
import imp
import pipes


def load_plugin(path):
    return imp.load_source("plugin", path)


def command(args):
    return " ".join(pipes.quote(a) for a in args)
