"""PyInstaller runtime hook: stand-ins for PySide6.QtOpenGL and PySide6.QtOpenGLWidgets, which the bundle omits.

pyqtgraph imports both at the top of pyqtgraph.Qt.OpenGLHelpers (with importlib, unguarded) for its optional
OpenGL drawing; VillagePost's charts never use OpenGL. The real modules cost 10 MB (QtOpenGL's binding alone
is 8.9 MB), which the 200 MB install limit cannot afford. So an import of either gets a small module: the
widget class is a plain QWidget, anything else raises AttributeError when used. Installed as a finder, it
costs nothing until something asks for these modules (the command line never does).
"""

import importlib.abc
import importlib.machinery
import sys
import types

_STUBS = ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets")


class _QtOpenGLStub(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in _STUBS:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return types.ModuleType(spec.name, "stand-in: the VillagePost bundle has no Qt OpenGL (see its rthook)")

    def exec_module(self, module):
        if module.__name__.endswith("QtOpenGLWidgets"):
            from PySide6 import QtWidgets

            module.QOpenGLWidget = QtWidgets.QWidget


sys.meta_path.append(_QtOpenGLStub())
