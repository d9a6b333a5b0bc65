"""A local OpenAI-compatible chat server for the `openai` generator: llama-cpp-python's own
server (`llama_cpp.server`, the `llm` extra), with its models loaded as Karigar loads them.

    python -m retrieval.answer.chat_server --model ~/.cache/karigar/<model>.gguf --port 8080

takes every argument `python -m llama_cpp.server` takes. Run bare, that server loads with
llama.cpp's weight repacking, and on a CPU with Intel AMX its first chat completion
segfaults (the server dies; the client sees "Connection refused"): here it loads without it
(`retrieval.answer.llm.without_weight_repacking`), as the in-process `llm` generator does.
"""

from __future__ import annotations

import runpy

from retrieval.answer.llm import without_weight_repacking


def main() -> None:
    with without_weight_repacking():
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
