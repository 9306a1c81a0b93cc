#include "textflag.h"

TEXT ·True(SB),NOSPLIT,$0-1
	MOVB $1, ret+0(FP)
	RET

TEXT ·Add(SB),NOSPLIT,$0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET

// func Sum(xs []int64) int64
TEXT ·Sum(SB),NOSPLIT,$0-32
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	XORQ AX, AX
loop:
	TESTQ CX, CX
	JE done
	ADDQ (SI), AX
	ADDQ $8, SI
	DECQ CX
	JMP loop
done:
	MOVQ AX, ret+24(FP)
	RET
