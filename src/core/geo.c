/* Coordinates: see geo.h.  GCJ-02 is the published transform of the Chinese survey standard. */
#include <math.h>
#include "core/geo.h"
#include "core/banned.h"

#define EARTH_MEAN_RADIUS 6371008.8 /* metres */
#define KRASOVSKY_A 6378245.0       /* the ellipsoid GCJ-02 is defined on */
#define KRASOVSKY_EE 0.00669342162296594323

int geo_valid(double lat, double lng)
{
	return isfinite(lat) && isfinite(lng) && fabs(lat) <= 90 && fabs(lng) <= 180;
}

int geo_in_china(double lat, double lng)
{
	return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

static double shift_lat(double x, double y)
{
	double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
	return r;
}

static double shift_lng(double x, double y)
{
	double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
	return r;
}

/* The offset GCJ-02 adds to a WGS-84 point, in degrees. */
static void offset(double lat, double lng, double *dlat, double *dlng)
{
	double x = lng - 105.0, y = lat - 35.0;
	double rad = lat / 180.0 * M_PI, magic = 1 - KRASOVSKY_EE * sin(rad) * sin(rad), sq = sqrt(magic);
	*dlat = shift_lat(x, y) * 180.0 / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sq) * M_PI);
	*dlng = shift_lng(x, y) * 180.0 / (KRASOVSKY_A / sq * cos(rad) * M_PI);
}

void geo_wgs84_to_gcj02(double lat, double lng, double *out_lat, double *out_lng)
{
	double dlat = 0, dlng = 0;
	if (geo_in_china(lat, lng))
		offset(lat, lng, &dlat, &dlng);
	*out_lat = lat + dlat;
	*out_lng = lng + dlng;
}

void geo_gcj02_to_wgs84(double lat, double lng, double *out_lat, double *out_lng)
{
	/* Find the WGS-84 point whose GCJ-02 image is (lat, lng): the offset varies slowly, so
	 * a few rounds of "subtract the offset at the current guess" converge to millimetres. */
	double wlat = lat, wlng = lng;
	for (int i = 0; i < 10 && geo_in_china(lat, lng); i++) {
		double glat, glng;
		geo_wgs84_to_gcj02(wlat, wlng, &glat, &glng);
		double elat = glat - lat, elng = glng - lng;
		wlat -= elat;
		wlng -= elng;
		if (fabs(elat) < 1e-9 && fabs(elng) < 1e-9)
			break;
	}
	*out_lat = wlat;
	*out_lng = wlng;
}

double geo_distance_m(double lat1, double lng1, double lat2, double lng2)
{
	double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
	double dp = (lat2 - lat1) * M_PI / 180, dl = (lng2 - lng1) * M_PI / 180;
	double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	return 2 * EARTH_MEAN_RADIUS * atan2(sqrt(a), sqrt(1 - a));
}
