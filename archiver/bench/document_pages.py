"""Render chosen documents of an export in this process; print pages and CPU seconds.

Usage: .venv/bin/python -m archiver.bench.document_pages EXPORT OUT_DIR KIND:CLASS...
(KIND register, attendance or messages; CLASS a class name, or "school" for the
school-wide transcript). A small check of layout speed for one document (issue 15), not
the full `archiver bench`.
"""
import os
import sys
import time

from archiver.config import Config
from archiver.load import load_dataset
from archiver.render import RunContext, render_document
from archiver.render.plan import plan_documents
from archiver.views.scope import Period


def main(argv: list[str]) -> None:
    src, out, *wanted = argv
    ds, _ = load_dataset(src)
    ctx = RunContext.create("Anna Nowak")
    names = dict(zip(ds.classes["class_id"], ds.classes["name"], strict=True))
    os.makedirs(out, exist_ok=True)
    for want in wanted:  # e.g. register:8b, messages:school, attendance:8b
        kind, cls = want.split(":")
        ids = None if cls == "school" else [k for k, v in names.items() if v == cls]
        specs = [s for s in plan_documents(ds, [kind], ids, None, Period(None, None))
                 if (s.class_id is None) == (cls == "school")]
        for spec in specs:
            t0 = time.process_time()
            doc = render_document(spec, ds, Config(), ctx)
            cpu = time.process_time() - t0
            path = os.path.join(out, doc.file_name)
            with open(path, "wb") as f:
                f.write(doc.pdf)
            print(f"{want}: {doc.pages} pages, {cpu:.2f} s CPU, "
                  f"{doc.pages / cpu:.1f} pages/CPU-s -> {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
