"""The datasketch side of `make bench`, run inside a throwaway venv by bench.py.

End to end from the files: read and parse each JSON file, words (lower-cased `\\w+`), word 5-shingles,
MinHash with 128 permutations (xxhash 32-bit, as in issue 6's baseline), then, in file order, query a
MinHashLSH of 16 bands x 8 rows and insert. Prints one JSON object: timings, and for every file the
candidates LSH returned (earlier files only) with datasketch's estimated Jaccard.

    python datasketch_run.py CORPUS_DIR COUNT
"""

import json
import os
import re
import resource
import sys
import time

import xxhash
from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def main() -> None:
    corpus, count = sys.argv[1], int(sys.argv[2])
    names = [f"{index:07d}.json" for index in range(count)]
    lsh = MinHashLSH(num_perm=128, params=(16, 8))
    signatures = {}
    candidates = {}
    total_bytes = 0
    signature_seconds = 0.0
    started = time.perf_counter()
    for name in names:
        with open(os.path.join(corpus, name), "rb") as file:
            data = file.read()
        total_bytes += len(data)
        text = json.loads(data)["text"]
        sign_started = time.perf_counter()
        words = WORD.findall(text.lower())
        shingles = {" ".join(words[i:i + 5]).encode("utf-8") for i in range(max(len(words) - 4, 1))}
        signature = MinHash(num_perm=128, hashfunc=xxhash.xxh32_intdigest)
        signature.update_batch(shingles)
        signature_seconds += time.perf_counter() - sign_started
        found = lsh.query(signature)
        if found:
            candidates[name] = [[other, signature.jaccard(signatures[other])] for other in found]
        lsh.insert(name, signature)
        signatures[name] = signature
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "articles": count, "bytes": total_bytes, "seconds": elapsed, "signature_seconds": signature_seconds,
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "candidates": candidates,
    }))


if __name__ == "__main__":
    main()
