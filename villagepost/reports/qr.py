"""QR codes drawn straight onto a reportlab canvas, cheap enough for one per station in a batch of 1,000.

reportlab's QR encoder (reportlab.graphics.barcode.qrencoder, no new dependency) spends ~4 ms per code
choosing the "best" of the eight data masks by scoring each (pure Python), which alone would take most of
the 5 s budget of 1,000 checklists. Any of the eight masks gives a valid code that every reader decodes
(the mask is written into the format information); the scoring only avoids patterns that can trouble
poor scanners on large codes. Station codes are short (version 1, 21×21 modules), so we use one fixed
mask and error correction level M: 0.3 ms per code. The modules are drawn as one filled path of
horizontal runs, not one rectangle object per module.
"""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

#: mask pattern 0 ((row + col) % 2) — valid for every reader; see the module docstring
MASK = 0
#: quiet zone around the code, in modules (the standard asks for 4)
QUIET = 4


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules (True = dark) of the QR code carrying `data` (error correction M, fixed mask)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(False, MASK)
    return [list(row) for row in code.modules]


def module_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """The dark modules as horizontal runs (row, first column, length), row 0 at the top."""
    runs = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            runs.append((r, start, c - start))
    return runs


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code of `data` with its quiet zone inside the square (x, y, size) — y is the bottom edge.

    The runs are written in module units (small integers) under one scaling transform: a code is ~200
    rectangles, and formatting their coordinates as floats was a fifth of a batch's time.
    """
    matrix = qr_matrix(data)
    n = len(matrix)
    module = size / (n + 2 * QUIET)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, module, x + QUIET * module, y + QUIET * module)
    ops = [f"{c} {n - 1 - r} {length} 1 re" for r, c, length in module_runs(matrix)]
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()
