module gofn/tests/modules/harness

go 1.26
