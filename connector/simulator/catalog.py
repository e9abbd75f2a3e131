"""What the simulated tenant is made of: departments and how their adoption develops, job titles, names,
offices, the Copilot apps the simulator tracks and the licence SKUs and service plans it assigns."""

from __future__ import annotations

import numpy as np

# (department, trajectory): how Copilot adoption develops over the simulated period
DEPARTMENTS: list[tuple[str, str]] = [
    ("Finance", "grow"),
    ("Sales", "grow"),
    ("Marketing", "stagnate"),
    ("Engineering", "grow"),
    ("Human Resources", "decline"),
    ("Legal", "stagnate"),
    ("Operations", "decline"),
    ("Customer Support", "grow"),
    ("IT", "high"),
    ("Procurement", "stagnate"),
    ("Research & Development", "stagnate"),
    ("Executive Office", "grow"),
]
TITLES: dict[str, list[str]] = {
    "Finance": ["Financial Analyst", "Accountant", "Controller", "Finance Manager"],
    "Sales": ["Account Executive", "Sales Representative", "Sales Manager", "Account Manager"],
    "Marketing": ["Marketing Specialist", "Content Writer", "Marketing Manager", "Brand Manager"],
    "Engineering": ["Software Engineer", "DevOps Engineer", "QA Engineer", "Engineering Manager"],
    "Human Resources": ["HR Generalist", "Recruiter", "HR Business Partner", "HR Manager"],
    "Legal": ["Paralegal", "Legal Counsel", "Compliance Officer", "General Counsel"],
    "Operations": ["Operations Analyst", "Logistics Coordinator", "Operations Manager", "Planner"],
    "Customer Support": ["Support Agent", "Support Engineer", "Customer Success Manager", "Team Lead"],
    "IT": ["System Administrator", "Service Desk Analyst", "IT Manager", "Security Analyst"],
    "Procurement": ["Buyer", "Procurement Specialist", "Procurement Manager", "Category Manager"],
    "Research & Development": ["Research Scientist", "Lab Technician", "Product Manager", "Data Scientist"],
    "Executive Office": ["Executive Assistant", "Chief of Staff", "Director", "Vice President"],
}
PREFIXES = ["", "", "", "", "Sr. ", "Senior ", "Junior ", "Lead ", "Principal "]
FIRST = ["Alex", "Sam", "Maria", "Jan", "Priya", "Chen", "Fatima", "Lukas", "Zoë", "José", "Aiko", "Olu",
         "Ingrid", "Mateo", "Noor", "Emma", "Liam", "Sofia", "Yusuf", "Hana", "Øyvind", "Elif", "Raj", "Mei"]
LAST = ["Smith", "Müller", "García", "Kowalski", "Nguyen", "Okafor", "Tanaka", "Rossi", "Johansson",
        "Dubois", "Kumar", "Silva", "Novak", "O'Brien", "Schmidt", "Haddad", "Larsen", "Moreau", "Ito", "Khan"]
OFFICES = ["Amsterdam", "Berlin", "Dublin", "London", "Madrid", "New York", "Seattle", "Singapore", "Remote"]

# Copilot apps as the simulator tracks them (report columns are derived from these)
APPS = ["teams", "word", "excel", "powerpoint", "outlook", "onenote", "loop",
        "chat_work", "chat_web", "m365_app", "edge", "agent"]
APP_WEIGHT = np.array([0.85, 0.45, 0.3, 0.25, 0.55, 0.06, 0.04, 0.7, 0.25, 0.3, 0.12, 0.08])

E5_SKU = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
COPILOT_SKU = "639dec6b-bb19-468b-871c-c5c441c4b0cb"
COPILOT_SALES_SKU = "15f2e9fc-b782-4f73-bf51-81d8b7fff6f4"  # a bundle found by service plan, not by name
COPILOT_APPS_PLAN = "a62f8878-de10-42f3-b68f-6149a25ceb97"
COPILOT_CHAT_PLAN = "3f30311c-6b1e-48a4-ab79-725b469da960"
