module gofn/tests/goexample

go 1.26
