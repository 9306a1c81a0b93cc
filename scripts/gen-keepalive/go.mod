module gofn/scripts/gen-keepalive

go 1.26
