typedef int gofn_loader_placeholder;
