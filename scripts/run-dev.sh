#!/usr/bin/env bash
# make run: start gofnd on 127.0.0.1:8080 with ./data, a dev tenant, and a curl example.
set -euo pipefail
echo "gofnd is not built yet: this will start build/bin/gofnd --listen 127.0.0.1:8080 --data ./data"
