// SPDX-License-Identifier: Apache-2.0
//
// Prints the event table of a falcosecurity/libs checkout as JSON, so that
// gen.py can turn it into Peregrine's own Rust table. It is compiled against
// the checkout's driver/ folder; see README.md beside this file.

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppm_events_public.h"

extern const struct ppm_event_info g_event_info[];

#define NAME_TABLES(X)                                                        \
	X(socket_families) X(file_flags) X(creat_flags) X(flock_flags)            \
	X(clone_flags) X(futex_operations) X(lseek_whence) X(poll_flags)          \
	X(mount_flags) X(umount_flags) X(shutdown_how) X(rlimit_resources)        \
	X(fcntl_commands) X(sockopt_levels) X(sockopt_options)                    \
	X(ptrace_requests) X(prot_flags) X(mmap_flags) X(splice_flags)            \
	X(quotactl_cmds) X(quotactl_types) X(quotactl_dqi_flags)                  \
	X(quotactl_quota_fmts) X(semop_flags) X(semget_flags)                     \
	X(semctl_commands) X(access_flags) X(pf_flags) X(unlinkat_flags)          \
	X(linkat_flags) X(newfstatat_flags) X(chmod_mode) X(mknod_mode)           \
	X(renameat2_flags) X(openat2_flags) X(execve_flags) X(execveat_flags)     \
	X(io_uring_setup_flags) X(io_uring_setup_feats)                           \
	X(io_uring_enter_flags) X(io_uring_register_opcodes)                      \
	X(mlockall_flags) X(mlock2_flags) X(fsconfig_cmds)                        \
	X(epoll_create1_flags) X(fchownat_flags) X(prctl_options)                 \
	X(keyctl_operations) X(memfd_create_flags) X(pidfd_open_flags)            \
	X(bpf_commands) X(delete_module_flags) X(close_range_flags)               \
	X(finit_module_flags) X(anon_inode_fd_types)

#define DYN_TABLES(X)                                                         \
	X(sockopt_dynamic_param) X(ptrace_dynamic_param) X(bpf_dynamic_param)    \
	X(keyctl_dynamic_param)

#define PPM_SC_X(name, value) [value] = #name,
static const char *sc_names[PPM_SC_MAX] = {PPM_SC_FIELDS};
#undef PPM_SC_X

static void json_str(const char *s) {
	putchar('"');
	for(; *s; s++) {
		if(*s == '"' || *s == '\\') {
			putchar('\\');
		}
		putchar(*s);
	}
	putchar('"');
}

static const char *table_name(const void *p) {
#define X(t) \
	if(p == (const void *)t) \
		return #t;
	NAME_TABLES(X)
	DYN_TABLES(X)
#undef X
	return NULL;
}

static void print_param(const struct ppm_param_info *p) {
	printf("{\"name\":");
	json_str(p->name);
	printf(",\"type\":%d,\"fmt\":%d,\"ninfo\":%d,\"info\":", p->type, p->fmt, p->ninfo);
	if(p->info == NULL) {
		printf("null");
	} else if(p->type == PT_FSRELPATH) {
		printf("%lu", (unsigned long)(uintptr_t)p->info);
	} else {
		const char *t = table_name(p->info);
		if(t == NULL) {
			fprintf(stderr, "unknown info table for %s\n", p->name);
			exit(1);
		}
		json_str(t);
	}
	printf("}");
}

static void print_names(const char *name, const struct ppm_name_value *t) {
	printf("\"%s\":[", name);
	for(int i = 0; t[i].name != NULL; i++) {
		printf("%s[", i ? "," : "");
		json_str(t[i].name);
		printf(",%u]", t[i].value);
	}
	printf("]");
}

static void print_dyn(const char *name, const struct ppm_param_info *t, int n) {
	printf("\"%s\":[", name);
	for(int i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		print_param(&t[i]);
	}
	printf("]");
}

int main(void) {
	printf("{\"events\":[");
	for(int e = 0; e < PPM_EVENT_MAX; e++) {
		const struct ppm_event_info *ev = &g_event_info[e];
		printf("%s{\"name\":", e ? ",\n" : "");
		json_str(ev->name);
		printf(",\"category\":%d,\"flags\":%d,\"params\":[", ev->category, ev->flags);
		for(uint32_t i = 0; i < ev->nparams; i++) {
			printf("%s", i ? "," : "");
			print_param(&ev->params[i]);
		}
		printf("]}");
	}
	printf("],\n\"names\":{");
	int first = 1;
#define X(t) \
	printf("%s", first ? "" : ",\n"); \
	first = 0; \
	print_names(#t, t);
	NAME_TABLES(X)
#undef X
	printf("},\n\"dyn\":{");
	print_dyn("sockopt_dynamic_param", sockopt_dynamic_param, PPM_SOCKOPT_IDX_MAX);
	printf(",");
	print_dyn("ptrace_dynamic_param", ptrace_dynamic_param, PPM_PTRACE_IDX_MAX);
	printf(",");
	print_dyn("bpf_dynamic_param", bpf_dynamic_param, PPM_BPF_IDX_MAX);
	printf(",");
	print_dyn("keyctl_dynamic_param", keyctl_dynamic_param, PPM_KEYCTL_IDX_MAX);
	printf("},\n\"syscalls\":[");
	for(int i = 0; i < PPM_SC_MAX; i++) {
		printf("%s", i ? "," : "");
		json_str(sc_names[i] ? sc_names[i] : "");
	}
	printf("]}\n");
	return 0;
}
