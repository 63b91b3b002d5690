/*
 * main.c - @PROJECT@.cgi's entry point: everything is in wk_main().
 * Kept apart from app.c so that the tests link the app without a main().
 */
#include "wick/http/app.h"
#include "@PROJECT@.h"

int
main(int argc, char **argv, char **envp)
{
	if (@PROJECT@_setup() != 0)
		return 70;      /* EX_SOFTWARE: could not register hooks */
	return wk_main(&@PROJECT@_app, argc, argv, envp);
}
