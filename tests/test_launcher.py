"""Starting the window where it cannot open: a plain message, never a Qt plugin trace."""

from __future__ import annotations

import ctypes

import pytest

from villagepost import launcher


def test_no_display(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(launcher.sys, "platform", "linux")
    assert launcher.launch_gui(db=None, lang="en") == 2
    err = capsys.readouterr().err
    assert "No graphical display" in err and "villagepost --help" in err


def test_missing_xcb_library_is_named(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(launcher.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(launcher.Path, "exists", lambda self: True)

    def refuse(path: str) -> None:
        raise OSError("libxcb-icccm.so.4: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(ctypes, "CDLL", refuse)
    assert launcher.launch_gui(db=None, lang="zh") == 2
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4" in err and "sudo apt install" in err and "libxcb-icccm4" in err
    assert "qt.qpa" not in err


def test_offscreen_platform_needs_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert launcher.display_problem() is None
