module gentypeindex

go 1.26
