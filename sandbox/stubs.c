/* Entry points not written yet; each fails with a clear error so callers
 * can be coded against sandbox.h today. Removed piece by piece. */
#include "sandbox/sandbox.h"

int gofn_sandbox_spawn(const gofn_sandbox_cfg *cfg, gofn_sandbox_proc *out, gofn_err *err)
{
	(void)cfg;
	(void)out;
	return gofn_errf(err, GOFN_ESYS, "sandbox spawn: not implemented yet");
}

int gofn_sandbox_enter(const gofn_sandbox_cfg *cfg, gofn_err *err)
{
	(void)cfg;
	return gofn_errf(err, GOFN_ESYS, "sandbox enter: not implemented yet");
}
