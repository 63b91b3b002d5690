/*
 * spawn.c - run a program N times the way a web server runs a CGI program,
 * and say what each exec cost.
 *
 * A process-per-request framework pays for exec, start-up and exit on every
 * request, so the benchmark must time exactly that and nothing else: no
 * shell between the runs; stdin, stdout and stderr on /dev/null (bench/run
 * checks the output once, apart); the environment given by the caller
 * (bench/run builds a CGI environment with `env -i`).
 * For each batch it prints one line:
 *
 *   runs=N ns_per_exec=T minflt_per_exec=F majflt_per_exec=M cpu_ns_per_exec=C
 *
 * The faults and C (user + system CPU time) come from wait4()'s rusage of
 * each child, so they count that process alone; C is steadier than wall
 * time on a busy machine.  A child that exits non-zero or dies is an
 * error (exit 1): timing a failing program would be meaningless.
 *
 * Usage: spawn [-n RUNS] [-b BATCHES] -- PROGRAM [ARGS...]
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct batch {
	long runs;
	double ns;        /* wall time of the whole batch */
	double cpu_ns;    /* user + system time of the children */
	long minflt;
	long majflt;
};

static long
parse_count(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 10000000) {
		fprintf(stderr, "spawn: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static double
now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("spawn: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Run argv once; add its faults to b.  0 on a clean exit, -1 otherwise. */
static int
run_once(char **argv, const posix_spawn_file_actions_t *fa, struct batch *b)
{
	struct rusage ru;
	pid_t pid;
	int status, rc;

	rc = posix_spawn(&pid, argv[0], fa, NULL, argv, environ);
	if (rc != 0) {
		fprintf(stderr, "spawn: %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("spawn: wait4");
			return -1;
		}
	}
	b->cpu_ns += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
	b->minflt += ru.ru_minflt;
	b->majflt += ru.ru_majflt;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "spawn: %s: exit status %d\n", argv[0], status);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	long runs = 200, batches = 1, i, k;
	int opt;

	while ((opt = getopt(argc, argv, "+n:b:")) != -1) {
		switch (opt) {
		case 'n': runs = parse_count(optarg, "run count"); break;
		case 'b': batches = parse_count(optarg, "batch count"); break;
		default:
			fprintf(stderr, "usage: spawn [-n RUNS] [-b BATCHES] -- "
			    "PROGRAM [ARGS...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "spawn: no program\n");
		return 2;
	}
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0) {
		fprintf(stderr, "spawn: cannot set up file actions\n");
		return 1;
	}
	for (k = 0; k < batches; k++) {
		struct batch b = { runs, 0, 0, 0, 0 };
		double t0 = now_ns();

		for (i = 0; i < runs; i++)
			if (run_once(argv + optind, &fa, &b) != 0)
				return 1;
		b.ns = now_ns() - t0;
		if (printf("runs=%ld ns_per_exec=%.0f minflt_per_exec=%.2f "
		    "majflt_per_exec=%.2f cpu_ns_per_exec=%.0f\n", b.runs,
		    b.ns / (double)b.runs,
		    (double)b.minflt / (double)b.runs,
		    (double)b.majflt / (double)b.runs,
		    b.cpu_ns / (double)b.runs) < 0 || fflush(stdout) != 0)
			return 1;
	}
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}
