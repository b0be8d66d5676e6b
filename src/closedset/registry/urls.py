from __future__ import annotations

from django.urls import path

from closedset.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("listing/", views.mine, name="mine"),
    path("listing/withdraw/", views.withdraw, name="withdraw"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:booking_id>/", views.booking, name="booking"),
    path("bookings/<int:booking_id>/answer/", views.answer, name="answer"),
    path("bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("<int:listing_id>/", views.listing, name="listing"),
    path("<int:listing_id>/book/", views.book, name="book"),
]
