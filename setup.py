"""Builds the optional compiled cores: the segmenter's loops (pipeline/segment/_fastcut.pyx), the gazetteer's
form matcher (pipeline/extract/_formindex.pyx) and the NER's greedy decoder (pipeline/models/_ner_decode.pyx).
Metadata lives in pyproject.toml.

Without Cython or a C compiler the package still installs: FastCut then runs its pure-Python loops, FormIndex
pyahocorasick and the NER spaCy's own decoder, which give the same results (tests/segment/test_fastcut.py,
tests/extract/test_formindex.py, tests/models/test_ner_decode.py), only slower.
"""

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """A failed compile is a warning, never a failed install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 - any toolchain failure leaves the Python fallback
            print(f"yanbao: compiled cores not built ({error}); using the Python code paths")

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:  # noqa: BLE001
            print(f"yanbao: {ext.name} not built ({error}); using its Python code path")


def extensions() -> list:
    try:
        from Cython.Build import cythonize
    except ImportError:
        return []
    from setuptools import Extension

    # The NER decoder multiplies in order, one rounding per operation: no fused multiply-adds (-ffp-contract).
    ner_decode = Extension("pipeline.models._ner_decode", ["pipeline/models/_ner_decode.pyx"],
                           extra_compile_args=["-ffp-contract=off"])
    return cythonize(["pipeline/segment/_fastcut.pyx", "pipeline/extract/_formindex.pyx", ner_decode],
                     compiler_directives={"language_level": "3"}, quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
