#include <stdio.h>

int main(void)
{
	fprintf(stderr, "gofnd: not built yet\n");
	return 1;
}
