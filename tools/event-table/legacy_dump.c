// SPDX-License-Identifier: Apache-2.0
//
// Prints, as JSON, the flags every event code had in the 2022 libs (the
// version sysdig 0.29.3 links). gen.py keeps the fd-related ones that
// changed since, for events in the layouts of that time.

#include <stdio.h>

#include "ppm_events_public.h"

extern const struct ppm_event_info g_event_info[];

int main(void) {
	printf("{\"flags\":[");
	for(int e = 0; e < PPM_EVENT_MAX; e++) {
		printf("%s%d", e ? "," : "", g_event_info[e].flags);
	}
	printf("]}\n");
	return 0;
}
