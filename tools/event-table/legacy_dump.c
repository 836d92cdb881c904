// SPDX-License-Identifier: Apache-2.0
//
// Prints, as JSON, the flags and parameter counts every event code had in
// the 2022 libs (the version sysdig 0.29.3 links). gen.py keeps the
// fd-related flags that changed since, for events in the layouts of that
// time, and the counts, to write captures in those layouts.

#include <stdio.h>

#include "ppm_events_public.h"

extern const struct ppm_event_info g_event_info[];

int main(void) {
	printf("{\"flags\":[");
	for(int e = 0; e < PPM_EVENT_MAX; e++) {
		printf("%s%d", e ? "," : "", g_event_info[e].flags);
	}
	printf("],\n\"nparams\":[");
	for(int e = 0; e < PPM_EVENT_MAX; e++) {
		printf("%s%u", e ? "," : "", g_event_info[e].nparams);
	}
	printf("]}\n");
	return 0;
}
