/*
 * main.c - blog.cgi's entry point: everything is in wk_main().
 * Kept apart from app.c so that tests link the app without a main().
 */
#include "wick/http/app.h"
#include "blog.h"

int
main(int argc, char **argv, char **envp)
{
	return wk_main(&blog_app, argc, argv, envp);
}
